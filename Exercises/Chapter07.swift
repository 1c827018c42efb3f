// Chapter 07 — placeholder (filled in by the chapter's work).

import DiffusionKit

/// Exercises of chapter 07.
public enum Chapter07 {}

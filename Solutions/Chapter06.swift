// Chapter 06 — placeholder (filled in by the chapter's work).

import DiffusionKit

/// Exercises of chapter 06.
public enum Chapter06 {}

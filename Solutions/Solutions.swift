// The worked solutions arrive with the chapters (Solutions/Chapter01.swift …),
// with the same signatures as the stubs in Exercises/.
import DiffusionKit

"""Investigations: cases, subjects, arrests and charges, evidence links, deconfliction."""

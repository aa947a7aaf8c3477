"""Benchmarks and calibration scripts (run from the repository root: ``python -m bench.<name>``).

Not part of the installed package: they read the evaluation data in
/work/shared/eval at run time and never copy it into the repository.
"""

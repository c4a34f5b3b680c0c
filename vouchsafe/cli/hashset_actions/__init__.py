"""The actions of ``vouchsafe hashset``, one module each (NAME, HELP, configure, run)."""

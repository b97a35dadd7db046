"""Tests of the safeslot command line."""

"""Tests of the reference session engines, with Django's engines of the same name as the oracle."""

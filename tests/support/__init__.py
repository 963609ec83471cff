"""Helpers shared by the tests: paths, servers, job waiting, fixture corpora, stand-ins.

Test modules import helpers from here only; fixtures come from the conftest files. Importing
one test module (or a conftest) from another couples tests that should stand alone.
"""

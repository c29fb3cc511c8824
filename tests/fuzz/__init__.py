"""Fuzzing: hostile and random values posted to every form and state-changing URL as each
role (issue 16). ``forms.py`` reads the forms from the pages, ``values.py`` holds the hostile
values and builds a request body, ``harness.py`` the checks; the tests are in
``test_forms_fuzz.py``."""

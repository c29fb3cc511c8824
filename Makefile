# The two commands of the README, and a few helpers.
.PHONY: demo test lint format messages services bench bench-volume load

demo:  ## install, migrate, load demo data, serve at http://127.0.0.1:8000/
	bin/demo

test:  ## install test tools and run the whole suite on PostgreSQL and Redis
	bin/test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

messages:  ## update the Swedish catalogue after changing strings (then translate, then test)
	.venv/bin/python manage.py makemessages
	.venv/bin/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules

services:  ## start PostgreSQL and Redis if they are not running
	bin/services

bench:  ## key pages at 1x and 100x the city against a baseline page, with wrk (README "Performance")
	bin/bench

bench-volume:  ## pages at 1,000, 3,000 and 10,000 generated applications, with wrk (README "Performance")
	bin/bench-volume

load:  ## 50 simulated people for 60 s on a mixed journey, 0 errors or it fails (README "Performance")
	bin/load

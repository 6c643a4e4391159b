"""The pieces behind `manage.py bench`: a separate database, a data generator, an in-process
timer and a load runner (gunicorn driven by wrk). See careers/management/commands/bench.py."""

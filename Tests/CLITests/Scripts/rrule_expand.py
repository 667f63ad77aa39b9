"""Expands RRULEs with python-dateutil, the reference the RRULE tests compare against.

stdin: a JSON list of {"rule": "FREQ=...", "dtstart": "YYYY-MM-DDTHH:MM:SS", "limit": N, "end": "..."}
stdout: a JSON list with, per rule, {"values": [...], "complete": bool} holding the first `limit`
local date-times before `end` (ISO 8601 without offset: the rules are floating), or
{"error": "..."} when dateutil refuses the rule.

dateutil checks UNTIL only when it yields, so a rule that never fires walks to year 9999; after
a quarter second we stop and report the values found so far with "complete": false.
"""
import json
import signal
import sys
from datetime import datetime, timedelta

try:
    from dateutil.rrule import rrulestr
except ImportError:
    sys.exit("missing Python package python-dateutil: run scripts/test (it installs it) or python3 -m pip install --user icalendar python-dateutil")


class OutOfTime(Exception):
    pass


def out_of_time(*_):
    raise OutOfTime()


signal.signal(signal.SIGALRM, out_of_time)
results = []
for case in json.load(sys.stdin):
    start = datetime.fromisoformat(case["dtstart"])
    end = datetime.fromisoformat(case["end"])
    try:
        rule = rrulestr(case["rule"], dtstart=start).replace(until=end - timedelta(seconds=1))
    except ValueError as error:
        results.append({"error": str(error)})
        continue
    values = []
    complete = True
    signal.setitimer(signal.ITIMER_REAL, 0.25)
    try:
        for value in rule:
            if value >= end or len(values) == case["limit"]:
                break
            values.append(value.strftime("%Y-%m-%dT%H:%M:%S"))
    except OutOfTime:
        complete = False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    results.append({"values": values, "complete": complete})
json.dump(results, sys.stdout)

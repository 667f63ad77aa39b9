"""Parse an .ics file with the `icalendar` package and expand every VEVENT with dateutil.

Usage: ics_expand.py FILE START END  (RFC 3339 instants). Prints JSON: {uid: [UTC instants]}.
Independent of OpsCadence's code: it checks that what we export means what we schedule.
"""
import json
import sys
from datetime import datetime, timezone

try:
    from dateutil.rrule import rrulestr, rruleset
except ImportError:
    sys.exit("missing Python package python-dateutil: run scripts/test (it installs it) or python3 -m pip install --user icalendar python-dateutil")
try:
    import icalendar
except ImportError:
    sys.exit("missing Python package icalendar: run scripts/test (it installs it) or python3 -m pip install --user icalendar python-dateutil")


def utc(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    path, start, end = sys.argv[1], sys.argv[2], sys.argv[3]
    start = datetime.fromisoformat(start.replace("Z", "+00:00"))
    end = datetime.fromisoformat(end.replace("Z", "+00:00"))
    with open(path, "rb") as f:
        raw = f.read()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "lines must end in CRLF"
    calendar = icalendar.Calendar.from_ical(raw)
    result = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        dtstart = event.decoded("DTSTART")
        assert dtstart.tzinfo is not None, "DTSTART needs a zone"
        rules = rruleset()
        if "RRULE" in event:
            rules.rrule(rrulestr(event["RRULE"].to_ical().decode(), dtstart=dtstart))
        # Calendar apps (RFC 2445, Google Calendar, Outlook) show DTSTART as an occurrence even
        # when the rule does not produce it; dateutil does not, so add it as they would.
        rules.rdate(dtstart)
        for prop, add in (("RDATE", rules.rdate), ("EXDATE", rules.exdate)):
            values = event.get(prop)
            if values is None:
                continue
            for group in values if isinstance(values, list) else [values]:
                for item in group.dts:
                    add(item.dt)
        result[uid] = [utc(d) for d in rules.between(start, end, inc=True)]
    print(json.dumps(result, sort_keys=True))


main()

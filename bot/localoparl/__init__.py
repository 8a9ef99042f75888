"""A local OParl 1.1 server (a council information system) for the tests, the demo and the
benchmarks, as bot/localapi is for Telegram's Bot API.

Written from the OParl specification: system → bodies → paged lists of organizations, meetings
and papers with `modified_since` filters and deleted objects; faults (5xx, hangs, down) and
the quirks of real servers can be switched on (`store.py`). `sample.py` builds the sample body.
"""

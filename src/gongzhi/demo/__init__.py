"""The demo jurisdiction 澜江市 (a fictional city) and a generator of believable citizen messages.

- ``jurisdiction``: regions, departments, the service catalogue, SLA defaults and routing look-ups.
- ``messages``: ``generate_messages(seed, n, start=…, end=…)`` and the reply, rating, return and
  extension texts that follow a message (``generate_reply`` …).

Everything here is invented for demos and tests: no real place, person or telephone number.
"""

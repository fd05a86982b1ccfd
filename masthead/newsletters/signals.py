"""Signals sent after a change has committed, for extensions. Core flow never depends on them.

Each is sent with keyword arguments named below and ``sender`` set to the model class.
"""

from django.dispatch import Signal

#: ``subscriber``, ``newsletters`` (list): the reader confirmed (or rejoined) these lists.
subscription_confirmed = Signal()
#: ``subscriber``, ``newsletter``, ``reason``: the reader left a list.
subscription_ended = Signal()
#: ``email``, ``reason``: an address was put on the suppression list.
address_suppressed = Signal()
#: ``edition``: every recipient of an edition has an outcome.
edition_sent = Signal()
#: ``source_page`` (the path the form was on, may be empty), ``newsletters``: a reader asked
#: for lists they were not on or waiting for. Unlike the others, sent *inside* the signup's
#: transaction, so that aggregate figures commit with it; receivers must not fail.
signup_requested = Signal()

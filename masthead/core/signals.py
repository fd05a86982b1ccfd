"""Signals of Masthead's own processes."""

from django.dispatch import Signal

# Sent once when ``masthead worker`` starts, before it takes its first task: apps prepare what
# their tasks would otherwise load on the first one (the static output warms its renderer).
worker_started = Signal()

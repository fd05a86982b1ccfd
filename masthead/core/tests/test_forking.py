"""A fork waits for the background threads to be out of their library calls."""

from __future__ import annotations

import os
import threading
import warnings

from masthead.core import forking


def test_a_fork_waits_while_a_background_thread_is_inside_held():
    inside, release, forked = threading.Event(), threading.Event(), threading.Event()

    def background():
        with forking.held():
            inside.set()
            release.wait(10)

    def fork():
        with forking.forking():
            forked.set()

    thread = threading.Thread(target=background)
    thread.start()
    assert inside.wait(10)
    forker = threading.Thread(target=fork)
    forker.start()
    assert not forked.wait(0.3), "the fork went ahead while the thread was inside held()"
    release.set()
    assert forked.wait(10)
    thread.join(10)
    forker.join(10)


def test_forking_a_process_with_threads_is_not_warned_about_inside_forking():
    """Python warns at every fork of a process that runs threads; the worker's large updates
    would fill its log with it. Inside ``forking`` the threads are held off, and it is quiet."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, args=(10,))
    thread.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with forking.forking():
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
            os.waitpid(pid, 0)
        assert not [w for w in caught if "fork" in str(w.message)]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
        assert [w for w in caught if "multi-threaded" in str(w.message)]
    finally:
        stop.set()
        thread.join(10)

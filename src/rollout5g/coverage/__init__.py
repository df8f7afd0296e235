"""Coverage: the ``rollout5g coverage`` command and (later) the web coverage jobs."""

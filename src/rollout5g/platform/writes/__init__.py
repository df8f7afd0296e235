"""Write safety: the counter rows behind every generated code, and the stored first answers of idempotent requests.

A Django app of the platform layer (label ``writes``); the functions that use it are :mod:`rollout5g.platform.codes`
and :mod:`rollout5g.platform.idempotency`.
"""

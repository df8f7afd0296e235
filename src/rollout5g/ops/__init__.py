"""Running rollout5g in production: the server supervisor (``rollout5g serve``), health and readiness, Prometheus
metrics, the job workers' heartbeat, ``rollout5g doctor``, backup and restore, structured logs."""

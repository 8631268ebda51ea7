// Every test process: quiet logs (set LOG_LEVEL=debug to see them) and Apollo telemetry off.
process.env.LOG_LEVEL ??= 'silent';
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

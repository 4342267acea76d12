"""The agent API's payloads (the contract in shared/docs/agent-api.md) and the service behind them."""

"""A small Django site served by uvicorn (ASGI) that uses the SDK's backends; see README.md."""

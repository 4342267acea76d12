"""The HTTP layer: the app factory, controllers, guards, body reading and the error-to-HTTP map."""

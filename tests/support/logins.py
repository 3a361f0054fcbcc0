"""Editors logging in to the admin, as the login form posts it."""

PASSWORD = "en-lang-adgangskode-42"  # the procesleder fixture's


def log_in(client, username="procesleder", password=PASSWORD, address="127.0.0.1", **headers):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )

import pytest


@pytest.fixture(autouse=True)
def _deliver_the_outbox(request):
    """Account emails (sign-up links, resets) leave through the outbox: where a test watches the mail server, a
    real worker delivers them (it reads the mail settings at each delivery)."""
    if "smtp_server" in request.fixturenames:
        request.getfixturevalue("outbox_worker")

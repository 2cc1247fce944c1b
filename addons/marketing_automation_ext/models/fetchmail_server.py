from odoo import models

# context key: {"left": n}, the messages a fetch may still process from one server
BUDGET_CONTEXT_KEY = "marketing_fetch_budget"


class _LimitedConnection:
    """An IMAP or POP connection of the host's that offers at most ``budget["left"]`` messages
    to the host's ``fetch_mail``: the IMAP search returns that many, the POP mailbox tells
    that many are waiting (and counts those read, across the host's reconnections)."""

    def __init__(self, connection, budget):
        self._connection = connection
        self._budget = budget

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def search(self, charset, *criteria):
        result, data = self._connection.search(charset, *criteria)
        numbers = data[0].split() if data and data[0] else []
        taken = numbers[: max(self._budget["left"], 0)]
        self._budget["left"] -= len(taken)
        return result, [b" ".join(taken)]

    def stat(self):
        count, size = self._connection.stat()
        return min(count, max(self._budget["left"], 0)), size

    def retr(self, number):
        self._budget["left"] -= 1
        return self._connection.retr(number)


class FetchmailServer(models.Model):
    _inherit = "fetchmail.server"

    def _get_campaign_servers(self):
        """The servers of these that can be checked (active, confirmed, not local)."""
        return self.filtered(lambda s: s.active and s.state == "done" and s.server_type != "local")

    def _fetch_campaign_responses(self, limit, raise_exception=False):
        """Fetch at most ``limit`` messages from each of these servers through the host's
        ``fetch_mail``; return how many were fetched in all."""
        fetched = 0
        for server in self:
            budget = {"left": limit}
            server.with_context(**{BUDGET_CONTEXT_KEY: budget}).fetch_mail(
                raise_exception=raise_exception
            )
            fetched += limit - max(budget["left"], 0)
        return fetched

    def connect(self, allow_archived=False):
        connection = super().connect(allow_archived=allow_archived)
        budget = self.env.context.get(BUDGET_CONTEXT_KEY)
        if budget is None:
            return connection
        return _LimitedConnection(connection, budget)

"""The `moqi` command line: one module per command group."""

from __future__ import annotations

import typer

from moqi.cli import (
    assist,
    backup,
    evaluate,
    init,
    insight,
    kb,
    mine,
    outbox,
    serve,
    simulate,
    sla,
    staff,
    tickets,
    train,
    training,
    transcribe,
    user,
)

app = typer.Typer(
    help="moqi 默契 — live agent assist for telecom contact centres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(init.init)
app.command("assist")(assist.assist)
app.command("serve")(serve.serve)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("simulate")(simulate.simulate)
app.command("mine")(mine.mine)
app.command("transcribe")(transcribe.transcribe)
app.add_typer(evaluate.app, name="eval")
app.add_typer(train.app, name="train")
app.add_typer(user.app, name="user")
app.add_typer(staff.app, name="staff")
app.add_typer(kb.app, name="kb")
app.add_typer(sla.app, name="sla")
app.add_typer(outbox.app, name="outbox")
app.add_typer(tickets.app, name="tickets")
app.add_typer(insight.app, name="insight")
app.add_typer(training.app, name="training")


def main() -> None:
    """Entry point of the `moqi` script."""
    app()

from ledger.cli.main import app

app()

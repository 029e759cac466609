import servqual as sq


def test_import() -> None:
    assert sq.Design({"y": [1.0, 2.0]}).mean("y").value == 1.5

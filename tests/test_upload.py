"""Bring your own data: every bad file in tests/data gets its own precise message; good files
(with a byte-order mark, Windows line endings or class names) parse and train well."""
from pathlib import Path

import numpy as np
import pytest

from experiments import playground
from lab import upload

DATA = Path(__file__).resolve().parent / "data"
CLASSIFICATION = "classification"


def read(name):
    return (DATA / name).read_bytes()


@pytest.mark.parametrize("name, words", [
    ("empty.csv", ["file is empty"]),
    ("header_only.csv", ["header but no data rows"]),
    ("text_in_numeric.csv", ["row 7", "column 'x2'", "'abc' is not a number"]),
    ("nan.csv", ["row 5", "column 'x1'", "nan", "finite"]),
    ("inf.csv", ["row 10", "column 'x2'", "inf", "finite"]),
    ("one_class.csv", ["only one class (1)", "at least 2"]),
    ("few_per_class.csv", ["class 2 has only 2 rows", "at least 5"]),
    ("eleven_classes.csv", ["11 classes", "limit is 10"]),
    ("semicolon.csv", ["separated by semicolons", "use commas"]),
    ("ragged.csv", ["row 8 has 2 values", "header has 3 columns"]),
    ("no_header.csv", ["first row holds numbers", "header"]),
])
def test_each_bad_file_gets_its_own_message(name, words):
    with pytest.raises(ValueError) as caught:
        upload.parse(read(name), CLASSIFICATION)
    for word in words:
        assert word in str(caught.value)


def test_a_50_mb_file_is_refused_by_its_size(tmp_path):
    big = tmp_path / "big.csv"
    line = b"0.123456,0.654321,1\n"
    big.write_bytes(b"x1,x2,label\n" + line * (50 * upload.MB // len(line) + 1))
    with pytest.raises(ValueError, match=r"the file is 50\.0 MB; the limit is 5 MB"):
        upload.parse(big.read_bytes(), CLASSIFICATION)


def test_too_many_rows_are_refused_with_the_count():
    raw = "x1,x2,label\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(upload.MAX_ROWS + 1))
    with pytest.raises(ValueError, match="5,001 data rows; the limit is 5,000"):
        upload.parse(raw.encode(), CLASSIFICATION)


def test_the_wrong_layout_for_the_task_says_what_is_needed():
    with pytest.raises(ValueError, match=r"classification needs 3: x1,x2,label \(or switch the "
                                         r"problem type to regression\)"):
        upload.parse(upload.template("regression").encode(), "classification")
    with pytest.raises(ValueError, match=r"regression needs 2 or 3: x,y or x1,x2,y$"):
        upload.parse(b"a,b,c,d\n1,2,3,4\n", "regression")
    with pytest.raises(ValueError, match=r"row 3, column 'y': '2,5' is not a number \(use a point"):
        upload.parse(b"x,y\n1,2\n2,\"2,5\"\n", "regression")
    with pytest.raises(ValueError, match="not UTF-8"):
        upload.parse("x,y\n1,é\n".encode("latin-1"), "regression")


@pytest.mark.parametrize("name", ["bom.csv", "crlf.csv"])
def test_bom_and_windows_line_endings_give_the_same_data_as_a_plain_file(name):
    raw = read(name)
    assert raw.startswith(b"\xef\xbb\xbf") if name == "bom.csv" else b"\r\n" in raw
    plain = raw.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    got, expected = upload.parse(raw, CLASSIFICATION), upload.parse(plain, CLASSIFICATION)
    assert got.columns == ("x1", "x2", "label") and got.classes == ("0", "1")
    assert got.X.shape == (120, 2) and np.array_equal(got.X, expected.X)
    assert np.array_equal(got.y, expected.y)
    assert got.X[0].tolist() == [0.18, 0.55] and got.y[0] == 0   # the first row, by hand


def test_class_names_and_a_label_column_named_class_are_found():
    table = upload.parse(read("names.csv"), CLASSIFICATION)
    assert table.columns == ("a", "b", "class") and table.classes == ("cat", "dog", "owl")
    assert np.bincount(table.y).tolist() == [30, 30, 30]
    swapped = upload.parse(b"label,x1,x2\n" + b"".join(b"%d,%d,%d\n" % (k % 2, k, -k)
                                                        for k in range(10)), CLASSIFICATION)
    assert swapped.columns == ("x1", "x2", "label") and swapped.X[3].tolist() == [3, -3]


def test_numeric_labels_are_sorted_as_numbers():
    raw = b"x1,x2,label\n" + b"".join(b"%d,0,%d\n" % (i, (10, 2, -1)[i % 3]) for i in range(15))
    table = upload.parse(raw, CLASSIFICATION)
    assert table.classes == ("-1", "2", "10") and table.y[:3].tolist() == [2, 1, 0]


@pytest.mark.parametrize("name", ["bom.csv", "crlf.csv", "names.csv"])
def test_good_files_train_to_a_decent_accuracy(name):
    result = playground.run(epochs=60, uploaded=upload.parse(read(name), CLASSIFICATION))
    assert result["curves"]["val_acc"].iloc[-1] >= 0.9
    assert result["columns"][:2] == upload.parse(read(name), CLASSIFICATION).columns[:2]


@pytest.mark.parametrize("task", upload.TASKS)
def test_the_templates_parse_and_train(task):
    table = upload.parse(upload.template(task).encode(), task)
    assert len(table.y) == upload.TEMPLATE_ROWS and table.task == task
    result = playground.run(problem=task, activation="tanh", init="xavier_uniform", lr=0.01,
                            epochs=150, uploaded=upload.parse(upload.template(task).encode(), task))
    final = result["curves"].iloc[-1]
    assert final["val_acc"] >= 0.9 if task == CLASSIFICATION else final["train_loss"] < 0.2

import pytest

from classifier.data import DataFormatError, Example, dedupe, dedupe_with_stats, load_examples


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_youtube_csv_html_and_bom(tmp_path):
    path = write(
        tmp_path,
        "Youtube09-Test.csv",
        '"COMMENT_ID","AUTHOR","DATE","CONTENT","CLASS"\n'
        'a1,Mario,2015-01-01,"Great<br />song &amp; video\ufeff",0\n'
        'a2,Spammer,,"check <a href=""http://x.com"">my channel</a>",1\n',
    )
    examples = load_examples(path)
    assert examples == [
        Example("Great\nsong & video", 0, author="Mario", source="youtube", group="Youtube09-Test"),
        Example("check my channel", 1, author="Spammer", source="youtube", group="Youtube09-Test"),
    ]


def test_sms_tsv(tmp_path):
    path = write(tmp_path, "SMSSpamCollection", "ham\tSee you later\nspam\tWIN a prize now\n")
    examples = load_examples([path])
    assert [(e.label, e.text, e.source) for e in examples] == [
        (0, "See you later", "sms"),
        (1, "WIN a prize now", "sms"),
    ]


def test_sms_bad_row_names_file_and_line(tmp_path):
    path = write(tmp_path, "sms.txt", "ham\tok\nspam\tfine\nno tab here\n")
    with pytest.raises(DataFormatError) as error:
        load_examples(path)
    assert str(error.value) == f"{path}:3: expected label<TAB>text"


def test_generic_csv_with_optional_fields(tmp_path):
    path = write(
        tmp_path,
        "labels.csv",
        "text,label,author,url\n"
        '"Bel pezzo, grazie",ham,Anna,\n'
        "Buy pills,spam,pharma-shop.net,http://x.it\n"
        "Nice,0,,\n"
        "Visit,1,,\n",
    )
    examples = load_examples(path, source="operator")
    assert [e.label for e in examples] == [0, 1, 0, 1]
    assert examples[1].author == "pharma-shop.net" and examples[1].url == "http://x.it"
    assert {e.source for e in examples} == {"operator"}
    assert examples[0].as_comment() == {"content": "Bel pezzo, grazie", "author": "Anna", "url": ""}


def test_generic_csv_bad_label_line_counts_multiline_cells(tmp_path):
    path = write(tmp_path, "labels.csv", 'text,label\n"two\nlines",ham\nthird,maybe\n')
    with pytest.raises(DataFormatError) as error:
        load_examples(path)
    assert error.value.path == str(path) and error.value.line == 4
    assert "label must be spam/ham or 1/0" in str(error.value)


def test_generic_tsv_with_header(tmp_path):
    path = write(tmp_path, "labels.tsv", "label\ttext\nspam\tfree money\n")
    assert load_examples(path) == [Example("free money", 1, source="operator", group="labels")]


def test_jsonl(tmp_path):
    path = write(
        tmp_path,
        "labels.jsonl",
        '{"text": "Ottimo articolo", "label": "ham", "source": "starter", "group": "it"}\n'
        "\n"
        '{"content": "casino bonus", "label": 1, "author": "x"}\n',
    )
    examples = load_examples(path)
    assert examples[0] == Example("Ottimo articolo", 0, source="starter", group="it")
    assert examples[1] == Example("casino bonus", 1, author="x", source="operator", group="labels")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "bad JSON"),
        ('["a list"]', "expected a JSON object"),
        ('{"label": "spam"}', "missing `text`"),
        ('{"text": "hi"}', "missing `label`"),
        ('{"text": "hi", "label": "maybe"}', "label must be"),
        ('{"text": "   ", "label": "ham"}', "empty comment text"),
        ('{"text": "hi", "label": true}', "label must be"),
    ],
)
def test_jsonl_bad_rows(tmp_path, line, message):
    path = write(tmp_path, "bad.jsonl", '{"text": "fine", "label": 0}\n' + line + "\n")
    with pytest.raises(DataFormatError) as error:
        load_examples(path)
    assert str(error.value).startswith(f"{path}:2: ")
    assert message in str(error.value)


def test_unknown_format_and_empty_and_encoding(tmp_path):
    unknown = write(tmp_path, "x.csv", "a,b\n1,2\n")
    with pytest.raises(DataFormatError, match=r"x\.csv:1: unrecognised format"):
        load_examples(unknown)
    empty = write(tmp_path, "empty.jsonl", "\n\n")
    with pytest.raises(DataFormatError, match="empty file"):
        load_examples(empty)
    latin1 = write(tmp_path, "latin.tsv", "ham\tok\nham\tcaff\xe8\n", encoding="latin-1")
    with pytest.raises(DataFormatError, match=r"latin\.tsv:2: not UTF-8"):
        load_examples(latin1)
    with pytest.raises(DataFormatError, match="cannot read"):
        load_examples(tmp_path / "missing.csv")


def test_youtube_wrong_column_count(tmp_path):
    path = write(
        tmp_path,
        "yt.csv",
        "COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\na,b,c,d,1\na,b,c,1\n",
    )
    with pytest.raises(DataFormatError, match=r"yt\.csv:3: expected 5 columns, got 4"):
        load_examples(path)


def test_dedupe_keeps_first_and_drops_conflicts():
    examples = [
        Example("Check out my channel!!", 1, author="a"),
        Example("check   OUT my chánnel", 1, author="b"),  # same after normalisation
        Example("nice video", 0),
        Example("Nice video!", 1),  # conflicting label: the text is dropped
        Example("c4s1n0 bonus", 1),
        Example("casino bonus", 1),  # leetspeak: same comment
    ]
    unique, stats = dedupe_with_stats(examples)
    assert unique == [examples[0], examples[4]]
    assert (stats.total, stats.kept, stats.duplicates, stats.conflicts) == (6, 2, 3, 1)
    assert dedupe(examples) == unique


def test_real_youtube_files(youtube):
    assert len(youtube) == 1586
    assert sum(e.label for e in youtube) == 831
    assert not any("\ufeff" in e.text or "<br" in e.text for e in youtube)
    assert len(dedupe(youtube)) == 1388


def test_example_rejects_bad_label():
    with pytest.raises(ValueError, match="label"):
        Example("x", 2)

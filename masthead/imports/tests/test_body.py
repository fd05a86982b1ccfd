"""The HTML → blocks converter's rules, on their own."""

from masthead.imports.services.body import (
    classic_paragraphs,
    credit_split,
    first_sentence,
    html_to_blocks,
)


def no_images(url, attachment_id):
    return None


def test_credits_are_split_from_captions():
    assert credit_split("Crowds. Photo: Jane Doe / Reuters") == ("Crowds.", "Jane Doe", "Reuters")
    assert credit_split("Crowds (Photo: Jane Doe)") == ("Crowds", "Jane Doe", "")
    assert credit_split("Митинг. Фото: Иван / ТАСС") == ("Митинг.", "Иван", "ТАСС")
    assert credit_split("Sunrise © AP") == ("Sunrise", "AP", "")
    assert credit_split("Just a caption.") == ("Just a caption.", "", "")


def test_first_sentence_fits_the_standfirst():
    assert first_sentence("One. Two.", limit=400) == "One."
    long = "word " * 200
    cut = first_sentence(long, limit=400)
    assert len(cut) <= 400 and cut.endswith("…")


def test_classic_text_becomes_paragraphs_and_embeds():
    html = classic_paragraphs("One\ntwo\n\n<h2>Head</h2>\nhttps://youtu.be/x1\n\nThree")
    blocks = html_to_blocks(html=html, image_for=no_images).blocks
    assert [k for k, _ in blocks] == ["paragraph", "heading", "embed", "paragraph"]
    assert blocks[0][1].source == "<p>One<br/>two</p>"
    assert blocks[2][1]["provider"] == "YouTube"


def test_unsafe_html_is_dropped():
    blocks = html_to_blocks(
        html='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x()">there</a>'
        '<span style="color:red">!</span></p><iframe src="javascript:alert(1)"></iframe>',
        image_for=no_images,
    ).blocks
    assert [k for k, _ in blocks] == ["paragraph"]
    assert blocks[0][1].source == "<p>Hi there!</p>"

from moqi.voice.decoding import default_decoding, hotwords


def test_hotwords_put_the_first_ones_first_and_stop_at_a_whole_name():
    names = ["4G飞享套餐", "畅享套餐", "全球通套餐", "携号转网"]
    assert (
        hotwords(names, ["携号转网"], max_chars=100) == "携号转网、4G飞享套餐、畅享套餐、全球通套餐"
    )
    # 携号转网(4) + 、 + 4G飞享套餐(6) = 11; one more name would pass 15.
    assert hotwords(names, ["携号转网"], max_chars=15) == "携号转网、4G飞享套餐"
    assert hotwords(names, [], max_chars=3) == ""


def test_shipped_decoding_is_what_the_measurements_chose(tmp_path):
    shipped = default_decoding()
    assert (shipped.language, shipped.beam_size, shipped.vad_filter) == ("zh", 5, True)
    assert shipped.prompt is None and shipped.hotwords is None  # both made CER worse
    data = tmp_path / "decoding.yaml"
    data.write_text(
        "prompt: 以下是普通话的句子。\nhotwords: {use: true, first: [全球通], max_chars: 12}\n",
        encoding="utf-8",
    )
    turned_on = default_decoding(data)
    assert turned_on.prompt == "以下是普通话的句子。"
    assert turned_on.hotwords == "全球通、4G飞享套餐"  # the next name would pass 12 characters

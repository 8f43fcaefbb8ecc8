"""The local responder's text handling, which needs no server."""

from switchboard_agent.responder import SPOKEN_CHARS, spoken, tool_named_in


def test_a_passage_is_spoken_up_to_a_sentence_end_without_markdown():
    assert spoken("## Hours\n\nWe open at **nine**.") == "Hours We open at nine."
    long = "First sentence is here. " * 30
    said = spoken(long)
    assert len(said) <= SPOKEN_CHARS and said.endswith("here.")


def test_a_tool_is_named_by_all_the_words_of_its_name():
    tools = [{"name": "order_status"}, {"name": "order"}, {"name": "weather-today"}]
    assert tool_named_in("what is my order status", tools)["name"] == "order_status"
    assert tool_named_in("where is my order", tools)["name"] == "order"
    assert tool_named_in("what's the weather today?", tools)["name"] == "weather-today"
    assert tool_named_in("opening hours", tools) is None

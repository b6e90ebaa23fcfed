import pytest

from evals.metrics.review import accuracy, confusion_matrix, macro_f1, per_class_scores

S, N, C = "supported", "not_supported", "contradicted"
GOLD = [S, S, N, C, C, N]
PRED = [S, N, N, C, S, S]


def test_confusion_matrix_rows_gold_columns_predicted():
    assert confusion_matrix(GOLD, PRED) == [[1, 1, 0], [1, 1, 0], [1, 0, 1]]


def test_per_class_scores_by_hand():
    scores = per_class_scores(GOLD, PRED)
    assert (scores[S].precision, scores[S].recall) == (pytest.approx(1 / 3), 0.5)
    assert scores[S].f1 == pytest.approx(2 / 5)
    assert (scores[N].precision, scores[N].recall, scores[N].f1) == (0.5, 0.5, 0.5)
    assert (scores[C].precision, scores[C].recall) == (1.0, 0.5)
    assert scores[C].f1 == pytest.approx(2 / 3)
    assert [scores[x].support for x in (S, N, C)] == [2, 2, 2]


def test_macro_f1_and_accuracy():
    assert macro_f1(GOLD, PRED) == pytest.approx(47 / 90)
    assert accuracy(GOLD, PRED) == 0.5


def test_never_predicted_label_scores_zero():
    scores = per_class_scores([S, C], [S, S])
    assert scores[C].precision == 0.0 and scores[C].f1 == 0.0
    assert macro_f1([S, C], [S, S]) == pytest.approx((2 / 3 + 0 + 0) / 3)


def test_length_mismatch_raises():
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        confusion_matrix([S, S], [S])

"""Presets expand into the configurations the course describes."""

from core.lab.checks import problems
from core.lab.model_summary import summarize
from core.lab.presets import PRESETS


def configs(key, quick=False):
    return dict(PRESETS[key].configs(quick))


def test_imdb_capacity_is_the_course_setup():
    runs = configs("imdb_capacity")
    assert [c.units for c in runs.values()] == [(4, 4), (16, 16), (512, 512)]
    original = runs["16-16"]
    assert (original.optimizer, original.batch_size, original.epochs) == ("rmsprop", 512, 20)
    # get_neural_network's validation_split=0.4: Keras validates on the LAST 10,000 reviews
    assert (original.vocabulary, original.holdout, original.val_fraction) == (10_000, "last", 0.4)
    assert summarize(original).total_params == 160_305


def test_imdb_regularization_and_early_stopping():
    runs = configs("imdb_regularization")
    assert runs["L2 0.002"].l2 == (0.002,)
    assert runs["dropout 0.5"].dropout == (0.5, 0.0)  # one Dropout(0.5), after the first layer
    assert all(c.holdout == "last" for c in runs.values())
    stop = configs("early_stopping")["early stopping"]
    assert stop.early_stopping and stop.es_patience == 5 and stop.es_restore_best


def test_mnist_cnn_variants():
    runs = configs("mnist_cnn")
    assert summarize(runs["plain"]).total_params == 121_930
    assert runs["plain"].holdout == "last" and round(60_000 * runs["plain"].val_fraction) == 10_000
    assert runs["dropout"].conv_dropout == 0.25 and runs["dropout"].dropout == (0.5,)
    bn = runs["batch norm"]
    assert bn.conv_batchnorm and bn.batchnorm == (True,) and bn.batchnorm_position == "after"


def test_fashion_mlp_is_784_128_64_10():
    runs = configs("fashion_mlp")
    rows = summarize(runs["dropout 0.3 + BN"]).rows
    dense = [r.output_shape[0] for r in rows if r.kind == "Dense"]
    assert rows[0].output_shape == (784,) and dense == [128, 64, 10]


def test_quick_sizes_shrink_and_every_config_is_valid():
    for preset in PRESETS.values():
        for (_, full), (_, quick) in zip(preset.configs(False), preset.configs(True), strict=True):
            assert problems(full) == [] and problems(quick) == []
            assert quick.epochs <= full.epochs


def test_the_missing_seed_experiments_are_presets():
    """Each one with the numbers its seed prints."""
    depth = configs("fashion_depth")
    assert [len(c.units) for c in depth.values()] == [1, 2, 4, 8]
    assert all(set(c.units) == {128} for c in depth.values())
    penalties = configs("fashion_l1_l2")
    assert penalties["L1 0.1"].l1 == (0.1,) and penalties["L2 0.01"].l2 == (0.01,)
    handwritten = configs("handwritten_mlp")
    assert handwritten["dropout 0.2"].units == (512, 512)
    assert handwritten["dropout 0.2"].dropout == (0.2,)
    assert handwritten["L1 0.01"].l1 == (0.01,) and handwritten["L2 0.01"].l2 == (0.01,)
    large = configs("imdb_large_dropout")
    assert [c.units for c in large.values()] == [(512, 512), (512, 512)]
    assert [c.dropout for c in large.values()] == [(0.0,), (0.5, 0.0)]
    versus = configs("mnist_mlp_vs_cnn")
    assert [c.is_cnn for c in versus.values()] == [False, True]


def test_presets_name_course_logs_that_exist():
    from core.runs.course_reference import references

    for preset in PRESETS.values():
        assert set(preset.course) <= set(references()), preset.key


def test_the_handwritten_early_stopping_demo_is_random_data():
    runs = configs("early_stopping_random")
    notes = runs["random data (notes' demo)"]
    assert (notes.dataset, notes.n_samples, notes.epochs) == ("random", 1000, 100)
    assert notes.early_stopping and notes.es_patience == 5 and notes.es_restore_best
    assert notes.info.input_dim() == 10  # np.random.rand(1000, 10)
    assert summarize(notes).total_params == 10 * 64 + 64 + 64 * 1 + 1


def test_every_preset_says_how_long_it_takes():
    from core.lab.presets import QUICK_SECONDS, duration_text

    assert set(QUICK_SECONDS) == set(PRESETS)  # measured by bench/check_presets.py
    assert max(QUICK_SECONDS.values()) <= 120  # "about a minute", as the page promises
    quick = duration_text(PRESETS["mnist_cnn"], quick=True)
    assert "measured" in quick and f"about {QUICK_SECONDS['mnist_cnn']:.0f} s" in quick
    course = duration_text(PRESETS["mnist_cnn"], quick=False)  # 3 CNNs × 10 epochs × 50k
    assert "estimated" in course and "minutes" in course

"""Presets expand into the configurations the course describes."""

from core.config import problems
from core.model_summary import summarize
from core.presets import PRESETS


def configs(key, quick=False):
    return dict(PRESETS[key].configs(quick))


def test_imdb_capacity_is_the_course_setup():
    runs = configs("imdb_capacity")
    assert [c.units for c in runs.values()] == [(4, 4), (16, 16), (512, 512)]
    original = runs["16-16"]
    assert (original.optimizer, original.batch_size, original.epochs) == ("rmsprop", 512, 20)
    assert (original.vocabulary, original.holdout, original.val_fraction) == (10_000, "first", 0.4)
    assert summarize(original).total_params == 160_305


def test_imdb_regularization_and_early_stopping():
    runs = configs("imdb_regularization")
    assert runs["L2 0.002"].l2 == (0.002,) and runs["dropout 0.5"].dropout == (0.5,)
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

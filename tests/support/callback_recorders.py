"""Callback objects that record what training called: gensim's style (hook methods taking the model)."""


class GensimStyle:
    """What a subclass of gensim's CallbackAny2Vec looks like: hook methods taking the model."""

    def __init__(self):
        self.events = []

    def on_train_begin(self, model):
        self.events.append("train_begin")

    def on_epoch_begin(self, model):
        self.events.append("epoch_begin")

    def on_epoch_end(self, model):
        self.events.append(("epoch_end", len(model.history_), model.wv.vector_size))

    def on_train_end(self, model):
        self.events.append("train_end")


class OnlyEpochEnd:
    """An object with ``on_epoch_end`` alone: counts the epochs."""

    def __init__(self):
        self.seen = 0

    def on_epoch_end(self, model):
        self.seen += 1

"""gensim peer for bench_w2v: trains Word2Vec in corpus_file mode and prints one JSON line.

usage: w2v_gensim.py CORPUS.txt --dim D --window W --negative K --sample S --epochs E
                     --min-count M --sg 0|1 --threads T --seed N [--vectors OUT.txt]
CORPUS.txt holds one sequence of item ids per line. Timing covers train() only (not the vocab scan), as wall and as process CPU seconds.
"""
import argparse
import json
import time

from gensim.models import Word2Vec


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    for name, kind in [("dim", int), ("window", int), ("negative", int), ("sample", float),
                       ("epochs", int), ("min-count", int), ("sg", int), ("threads", int), ("seed", int)]:
        p.add_argument("--" + name, type=kind, required=True)
    p.add_argument("--vectors")
    a = p.parse_args()
    model = Word2Vec(vector_size=a.dim, window=a.window, negative=a.negative, sample=a.sample,
                     epochs=a.epochs, min_count=a.min_count, sg=a.sg, workers=a.threads, seed=a.seed)
    model.build_vocab(corpus_file=a.corpus)
    start, start_cpu = time.perf_counter(), time.process_time()
    effective, raw = model.train(corpus_file=a.corpus, total_words=model.corpus_total_words,
                                 epochs=a.epochs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    if a.vectors:
        model.wv.save_word2vec_format(a.vectors)
    print(json.dumps({"effective_words": effective, "words": raw, "seconds": seconds, "cpu_seconds": cpu_seconds,
                      "vocab_size": len(model.wv), "version": __import__("gensim").__version__}))


if __name__ == "__main__":
    main()

"""Chinese text understanding for citizens' messages: normalise, segment, classify (DESIGN.md §4).

normalise   traditional→simplified, NFKC, whitespace, masking of personal data
segment     jieba (rjieba) with the jurisdiction's names kept whole
vectorise   character n-gram TF-IDF in numpy (same features as scikit-learn's, ~10× faster)
features    title + details → character and word documents
classify    train a calibrated TF-IDF + linear SVM (+ naive Bayes) classifier; top-k suggestions
evaluate    cross-validation and held-out figures (macro-F1, accuracy, per-class F1, ECE)
store       versioned model directories (model.json + model.joblib)
data        labelled messages from CSV / XLSX
cli         `gongzhi model train|evaluate` (a Typer sub-app)
"""

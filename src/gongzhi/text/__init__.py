"""Chinese text understanding for citizens' messages: normalise, segment, classify (DESIGN.md §4).

normalise   traditional→simplified, NFKC, whitespace, masking of personal data
segment     jieba (rjieba) with the jurisdiction's names kept whole
vectorise   character n-gram TF-IDF in numpy (same features as scikit-learn's, ~10× faster)
features    title + details → character and word documents
classify    train a calibrated TF-IDF + linear SVM (+ naive Bayes) classifier; top-k suggestions
evaluate    cross-validation and held-out figures (macro-F1, accuracy, per-class F1, ECE)
store       versioned model directories (model.json + model.joblib)
data        labelled messages from CSV / XLSX
cli         `gongzhi model train|evaluate|list|activate` (a Typer sub-app)
models      tables: the model registry (text_model) and what intake read in each case (case_analysis)
registry    versions, one active per purpose, loaded once per process
training    train + evaluate + save + register (CLI and demo); training data from closed cases
urgency     urgency rules (urgency_rules.toml) and the rule-labelled urgency model
types       message type and sentiment labels (MSGABench) and how intake uses them
demo        the demo's category model, trained on its seeded year, at work on new cases
duplicates  same problem at the same place? character bigrams + named places (merge proposals, "me too")
replycheck  relevance, completeness and timeliness of a reply before it is published
"""

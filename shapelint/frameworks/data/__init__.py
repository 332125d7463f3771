"""Data whose shape the code makes certain: numpy arrays, tf.data datasets, built-in datasets."""

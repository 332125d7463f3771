"""Keras / tf.keras / tf_keras: the layer catalog, shape propagation, training calls, synthesis."""

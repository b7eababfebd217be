"""The model an operator trains (`moqi train`): fitting (training, scikit-learn), the compiled
form live assist scores with (compiled, features: NumPy alone), what it reads in a text
besides its n-grams (readings), and loading, saving and scoring (trained)."""

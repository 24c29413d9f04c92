"""The concept pages' mechanisms in NumPy: backprop, dropout, BN, L1/L2, decay, polynomials."""

"""ETL: raw public sources → the small processed files committed under data/ and geodata/."""

import sys

from sozialatlas.cli import main

sys.exit(main())

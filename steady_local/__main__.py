import sys

from steady_local.run import main

sys.exit(main())

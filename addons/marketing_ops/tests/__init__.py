from . import test_marketing_ops_install

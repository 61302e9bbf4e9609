#include "cli_common.h"
namespace ddpm::cli {}

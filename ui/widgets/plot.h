// The one place that includes QCustomPlot. Debian's qcustomplot.h uses the `signals`
// and `foreach` keywords, which QT_NO_KEYWORDS (needed beside LibTorch) removes.
#pragma once

#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef foreach
#undef signals

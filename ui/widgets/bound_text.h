// How the Bound page's widgets write numbers and term names (QCustomPlot draws plain text).
#pragma once

#include <QString>

namespace ddpm::ui {

/// A bits/dim value to six significant digits.
inline QString bpdText(double value)
{
    return QString::number(value, 'g', 6);
}

/// "L_{t-1}" with Unicode subscripts.
inline QString ltm1Text()
{
    return QStringLiteral("L\u209C\u208B\u2081");
}

} // namespace ddpm::ui
